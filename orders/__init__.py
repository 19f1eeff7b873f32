"""The orders service: users create, read and cancel orders, and payments mark them paid."""
