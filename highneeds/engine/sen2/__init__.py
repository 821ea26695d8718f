"""SEN2, the statutory person-level return: the XML model, code lists (data files), safe parsing and the
validation rules (one rule per file, rule sets by collection year). Pure Python and lxml, no Django."""
