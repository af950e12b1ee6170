"""Class 10: final presentation and project report."""
