from django.db import migrations

from highneeds.funding.examples import install_all


class Migration(migrations.Migration):
    dependencies = [("funding", "0001_initial")]

    operations = [migrations.RunPython(install_all, migrations.RunPython.noop)]
