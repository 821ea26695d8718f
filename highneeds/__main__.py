from highneeds.cli import main

main()
