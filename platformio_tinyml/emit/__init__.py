"""Emit: the lowered program as the model's C source and header, through the Jinja templates."""
