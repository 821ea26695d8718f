"""Planning: forecasts, scenarios and sufficiency (the engine is highneeds.engine.forecast)."""
