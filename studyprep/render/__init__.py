"""What reaches the terminal: text made safe, wording, tables, and the interactive review screen."""
