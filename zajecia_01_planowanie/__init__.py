"""Class 01: business goal, backlog and sprint plan of the project."""
