from studyprep.cli import main

main()
