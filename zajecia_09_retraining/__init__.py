"""Class 09: retraining the model after drift or a drop in quality."""
