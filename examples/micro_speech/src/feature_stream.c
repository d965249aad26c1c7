/* feature_stream: see feature_stream.h. */
#include <string.h>

#include "feature_stream.h"

int feature_stream_reset(feature_stream *s, const tml_model *preprocessor)
{
    const tml_tensor_info *in = &preprocessor->inputs[0];
    const tml_tensor_info *out = &preprocessor->outputs[0];
    if (in->dtype != TML_INT16 || in->count != FEATURE_FRAME_SAMPLES || out->dtype != TML_INT8 ||
        out->count != FEATURE_SIZE) {
        return 1;
    }
    memset(s, 0, sizeof *s);
    s->preprocessor = preprocessor;
    preprocessor->reset();
    return 0;
}

/* One frame through the preprocessor; its features become the newest row of the window. */
static int run_frame(feature_stream *s)
{
    const tml_model *m = s->preprocessor;
    memcpy(m->input(0), s->frame, sizeof s->frame);
    if (m->invoke() != 0) {
        return -1;
    }
    memmove(s->window, s->window + FEATURE_SIZE, (FEATURE_ROWS - 1) * FEATURE_SIZE);
    memcpy(s->window + (FEATURE_ROWS - 1) * FEATURE_SIZE, m->output(0), FEATURE_SIZE);
    s->rows++;
    /* the next frame starts 20 ms later: keep the last 10 ms */
    memmove(s->frame, s->frame + FEATURE_STRIDE_SAMPLES,
            (FEATURE_FRAME_SAMPLES - FEATURE_STRIDE_SAMPLES) * sizeof s->frame[0]);
    s->fill = FEATURE_FRAME_SAMPLES - FEATURE_STRIDE_SAMPLES;
    return 1;
}

int feature_stream_push(feature_stream *s, const int16_t *pcm, uint32_t n)
{
    int rows = 0;
    while (n > 0) {
        uint32_t take = FEATURE_FRAME_SAMPLES - s->fill;
        if (take > n) {
            take = n;
        }
        memcpy(s->frame + s->fill, pcm, take * sizeof pcm[0]);
        s->fill += take;
        pcm += take;
        n -= take;
        if (s->fill == FEATURE_FRAME_SAMPLES) {
            if (run_frame(s) < 0) {
                return -1;
            }
            rows++;
        }
    }
    return rows;
}
