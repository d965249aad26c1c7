/*
 * Reference kernels of the Signal family except the FFT (ref/signal_fft.h): portable C.
 * Included by ops/signal.h (after tml_common.h and the params structs). Where TFLM's C++ relies on
 * wrapping signed arithmetic, these compute the same value in unsigned arithmetic.
 */
#ifndef TINYML_REF_SIGNAL_H
#define TINYML_REF_SIGNAL_H

/* Number of significant bits of x; 32 for 0 (TFLM's __builtin_clz path). A binary search. */
static inline int32_t tml_signal_msb32(uint32_t x)
{
    int32_t n = 1;
    if (x == 0) {
        return 32;
    }
    if (x >> 16) { n += 16; x >>= 16; }
    if (x >> 8) { n += 8; x >>= 8; }
    if (x >> 4) { n += 4; x >>= 4; }
    if (x >> 2) { n += 2; x >>= 2; }
    if (x >> 1) { n += 1; }
    return n;
}

/* Number of significant bits of x; 64 for 0. */
static inline int32_t tml_signal_msb64(uint64_t x)
{
    if (x == 0) {
        return 64;
    }
    return (x >> 32) ? 32 + tml_signal_msb32((uint32_t)(x >> 32)) : tml_signal_msb32((uint32_t)x);
}

static inline void tml_signal_window_s16_ref(const tml_signal_window_params *p, const int16_t *input,
                                             const int16_t *weights, int16_t *output)
{
    int32_t i, j;
    for (i = 0; i < p->size; i += p->weight_size) {
        for (j = 0; j < p->weight_size; j++) {
            const int32_t raw = ((int32_t)input[i + j] * weights[j]) >> p->shift;
            output[i + j] = (int16_t)(raw < -32768 ? -32768 : raw > 32767 ? 32767 : raw);
        }
    }
}

static inline void tml_signal_fft_auto_scale_s16_ref(const tml_signal_fft_auto_scale_params *p, const int16_t *input,
                                                     int16_t *output, int32_t *scale_bits)
{
    /* TFLM's MaxAbs16 keeps an int16 maximum: -(-32768) wraps back to -32768 */
    int16_t max = 0;
    int32_t i, bits;
    for (i = 0; i < p->size; i++) {
        const int32_t v = input[i];
        if (v > max) {
            max = (int16_t)v;
        } else if (-v > max) {
            max = (int16_t)(uint16_t)(uint32_t)(-v);
        }
    }
    bits = 16 - tml_signal_msb32((uint32_t)(int32_t)max) - 1;
    if (bits < 0) {
        bits = 0;
    }
    for (i = 0; i < p->size; i++) {
        output[i] = (int16_t)(uint16_t)((uint32_t)(int32_t)input[i] << bits);
    }
    *scale_bits = bits;
}

static inline void tml_signal_energy_s16_ref(const tml_signal_energy_params *p, const int16_t *input, uint32_t *output)
{
    int32_t i;
    for (i = 0; i < p->size; i++) {
        if (i < p->start_index || i >= p->end_index) {
            output[i] = 0;
        } else {
            const int32_t re = input[2 * i], im = input[2 * i + 1];
            output[i] = (uint32_t)(re * re) + (uint32_t)(im * im);
        }
    }
}

static inline void tml_signal_filter_bank_u32_ref(const tml_signal_filter_bank_params *p, const uint32_t *input,
                                                  const int16_t *weights, const int16_t *unweights,
                                                  const int16_t *freq_starts, const int16_t *weight_starts,
                                                  const int16_t *widths, uint64_t *output)
{
    uint64_t acc = 0, unacc = 0;
    int32_t i, j;
    for (i = 0; i <= p->num_channels; i++) {
        const uint32_t *x = input + freq_starts[i];
        const int16_t *w = weights + weight_starts[i];
        const int16_t *u = unweights + weight_starts[i];
        for (j = 0; j < widths[i]; j++) {
            /* int16 weights converted to uint64 as TFLM's C++ does (negative ones wrap) */
            acc += (uint64_t)(int64_t)w[j] * x[j];
            unacc += (uint64_t)(int64_t)u[j] * x[j];
        }
        if (i > 0) {
            output[i - 1] = acc; /* channel 0 is scratch */
        }
        acc = unacc;
        unacc = 0;
    }
}

static inline uint32_t tml_signal_sqrt32(uint32_t num)
{
    uint32_t res = 0, bit;
    int32_t top, iterations;
    if (num == 0) {
        return 0;
    }
    top = (32 - tml_signal_msb32(num)) | 1;
    bit = (uint32_t)1 << (31 - top);
    iterations = (31 - top) / 2 + 1;
    while (iterations--) {
        if (num >= res + bit) {
            num -= res + bit;
            res = (res >> 1) + bit;
        } else {
            res >>= 1;
        }
        bit >>= 2;
    }
    if (num > res && res != 0xFFFFu) {
        ++res;
    }
    return (uint16_t)res;
}

static inline uint32_t tml_signal_sqrt64(uint64_t num)
{
    uint64_t res = 0, bit;
    int32_t top, iterations;
    if ((num >> 32) == 0) {
        return tml_signal_sqrt32((uint32_t)num);
    }
    top = (64 - tml_signal_msb64(num)) | 1;
    bit = (uint64_t)1 << (63 - top);
    iterations = (63 - top) / 2 + 1;
    while (iterations--) {
        if (num >= res + bit) {
            num -= res + bit;
            res = (res >> 1) + bit;
        } else {
            res >>= 1;
        }
        bit >>= 2;
    }
    if (num > res && res != 0xFFFFFFFFu) {
        ++res;
    }
    return (uint32_t)res;
}

static inline void tml_signal_filter_bank_sqrt_u64_ref(const tml_signal_filter_bank_sqrt_params *p,
                                                       const uint64_t *input, const int32_t *scale_bits,
                                                       uint32_t *output)
{
    const int32_t shift = *scale_bits & 31; /* FftAutoScale gives 0..15 */
    int32_t i;
    for (i = 0; i < p->num_channels; i++) {
        output[i] = tml_signal_sqrt64(input[i]) >> shift;
    }
}

static inline void tml_signal_spectral_subtraction_u32_ref(const tml_signal_spectral_subtraction_params *p,
                                                           const uint32_t *input, uint32_t *output,
                                                           uint32_t *noise_estimate_out, uint32_t *noise)
{
    int32_t i;
    for (i = 0; i < p->num_channels; i++) {
        const uint32_t smoothing = (i & 1) ? p->alternate_smoothing : p->smoothing;
        const uint32_t keep = (i & 1) ? p->alternate_one_minus_smoothing : p->one_minus_smoothing;
        const uint32_t scaled = input[i] << p->smoothing_bits;
        uint32_t estimate, floor_value, subtracted;
        noise[i] = (uint32_t)(((uint64_t)scaled * smoothing + (uint64_t)noise[i] * keep) >>
                              p->spectral_subtraction_bits);
        estimate = noise[i];
        if (estimate > scaled) {
            estimate = scaled;
            if (p->clamping) {
                noise[i] = estimate;
            }
        }
        floor_value = (uint32_t)(((uint64_t)input[i] * p->min_signal_remaining) >> p->spectral_subtraction_bits);
        subtracted = (scaled - estimate) >> p->smoothing_bits;
        output[i] = subtracted > floor_value ? subtracted : floor_value;
    }
    for (i = 0; i < p->num_channels; i++) {
        noise_estimate_out[i] = noise[i];
    }
}

/* TFLM's WideDynamicFunction: the gain for a noise estimate, from the piecewise polynomial table. */
static inline int16_t tml_signal_pcan_gain(uint32_t x, const int16_t *lut)
{
    int32_t interval, frac, result;
    if (x <= 2) {
        return lut[x];
    }
    interval = tml_signal_msb32(x);
    lut += 4 * interval - 6;
    frac = (int16_t)(((interval < 11) ? (x << (11 - interval)) : (x >> (interval - 11))) & 0x3FF);
    result = ((int32_t)lut[2] * frac) >> 5;
    result = (int32_t)((uint32_t)result + ((uint32_t)(int32_t)lut[1] << 5));
    result = (int32_t)((uint32_t)result * (uint32_t)frac);
    result = (int32_t)((uint32_t)result + (1u << 14)) >> 15;
    result += lut[0];
    return (int16_t)result;
}

static inline void tml_signal_pcan_u32_ref(const tml_signal_pcan_params *p, const uint32_t *input,
                                           const uint32_t *noise_estimate, const int16_t *gain_lut, uint32_t *output)
{
    int32_t i;
    for (i = 0; i < p->num_channels; i++) {
        const uint32_t gain = (uint32_t)(int32_t)tml_signal_pcan_gain(noise_estimate[i], gain_lut);
        const uint32_t snr = (uint32_t)(((uint64_t)input[i] * gain) >> p->snr_shift);
        /* shrink: x^2 / 4 below 2, x - 1 above (12 fractional bits in, 6 out) */
        output[i] = snr < (2u << 12) ? (snr * snr) >> (2 + 2 * 12 - 6) : (snr >> (12 - 6)) - (1u << 6);
    }
}

static inline uint32_t tml_signal_log32(uint32_t x, uint32_t out_scale, const uint16_t *lut)
{
    const uint32_t integer = (uint32_t)tml_signal_msb32(x) - 1;
    int32_t frac = (int32_t)(uint32_t)((uint64_t)x - ((uint64_t)1 << integer));
    uint32_t base_seg, log2, loge;
    int32_t c0, c1, rel;
    if (integer < 16) {
        frac = (int32_t)((uint32_t)frac << (16 - integer));
    } else {
        frac >>= integer - 16;
    }
    base_seg = (uint32_t)frac >> 9;
    c0 = lut[base_seg];
    c1 = lut[base_seg + 1];
    rel = ((c1 - c0) * (frac - (int32_t)(512 * base_seg))) >> 16;
    log2 = (integer << 16) + (uint32_t)(frac + c0 + rel);
    loge = (uint32_t)(((uint64_t)45426 * log2 + 32768) >> 16);
    return (out_scale * loge + 32768) >> 16;
}

static inline void tml_signal_filter_bank_log_u32_ref(const tml_signal_filter_bank_log_params *p,
                                                      const uint32_t *input, int16_t *output)
{
    int32_t i;
    for (i = 0; i < p->num_channels; i++) {
        const uint32_t scaled = input[i] << p->input_correction_bits;
        if (scaled > 1) {
            const uint32_t v = tml_signal_log32(scaled, p->output_scale, p->log_lut);
            output[i] = (int16_t)(v < 32767u ? v : 32767u);
        } else {
            output[i] = 0;
        }
    }
}

#endif /* TINYML_REF_SIGNAL_H */
