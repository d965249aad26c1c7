"""Quantize: float models to int8/int16x8 with calibration data, and TFLM's Prepare arithmetic the lowerings share."""
