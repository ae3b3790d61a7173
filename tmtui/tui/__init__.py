"""The Textual app: screens, widgets and styles. It talks to the model through `tmtui.session.Session`."""
