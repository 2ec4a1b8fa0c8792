from backcare.cli import main

main()
