"""Lower: the graph IR to kernel calls with their parameters and constant data, through the operator registry."""
