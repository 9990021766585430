"""Dialogs: the add/edit-workspace wizard, confirmations, keyring-unavailable and unexpected-error dialogs."""
