"""tmtui: a terminal workbench for threat modeling."""

__version__ = "0.1.0"
