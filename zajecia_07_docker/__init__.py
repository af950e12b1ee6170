"""Class 07: the model served as an HTTP API in a container."""
