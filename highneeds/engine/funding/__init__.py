"""Pure funding engines: one package's price (`pricing`) and whole populations at once (`bulk`)."""
