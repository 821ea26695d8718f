"""highneeds: casework, money, forecasting and insight for a local area's SEND system."""

__version__ = "0.1.0"
