"""Class 06: validation and monitoring of the model on new months."""
