"""Work that outlives a request: tasks on the django-tasks queue (database backend), see docs/tasks.md."""
