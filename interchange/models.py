"""Messages received from other systems."""
