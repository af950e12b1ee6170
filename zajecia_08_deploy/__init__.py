"""Class 08: deployment, hot model swap and production monitoring."""
