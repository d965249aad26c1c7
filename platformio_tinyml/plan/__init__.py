"""Plan: place the tensors' lifetimes in one arena, as small as it can be."""
