"""Class 05: training pipeline and the model registry."""
