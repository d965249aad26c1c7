"""Read: a .tflite file into the graph IR, and the IR back into a .tflite (the quantized model)."""
