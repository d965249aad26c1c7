/*
 * Benchmark image for one generated model (C prefix "m"), run by benchmarks/run.py on m4sim.
 *
 * bench_io.h, written by run.py, holds the fixed inputs (seed-0 random data) and the
 * output sizes. main() invokes twice: a warm-up call and the measured call. The state is
 * reset and the inputs are copied again before each call (invoke consumes its inputs),
 * so both calls do the same work and the outputs equal those of one call on the host.
 * Each output is then printed as one line "out<i> <hex bytes>".
 */
#include <stdint.h>
#include <string.h>

#include "m4sim.h"
#include "m.h"
#include "bench_io.h"

static void load_inputs(void)
{
    for (int i = 0; i < M_INPUT_COUNT; i++)
        memcpy(m_input(i), bench_inputs[i], bench_input_bytes[i]);
}

static void print_output(int i)
{
    static const char hex[] = "0123456789abcdef";
    const uint8_t *p = (const uint8_t *)m_output(i);
    m4sim_puts("out");
    m4sim_putu((uint32_t)i);
    m4sim_putc(' ');
    for (uint32_t k = 0; k < bench_output_bytes[i]; k++) {
        m4sim_putc(hex[p[k] >> 4]);
        m4sim_putc(hex[p[k] & 15u]);
    }
    m4sim_putc('\n');
}

int main(void)
{
    int rc = 0;
    for (int call = 0; call < 2; call++) {
        m_reset();
        load_inputs();
        rc |= m_invoke();
    }
    for (int i = 0; i < M_OUTPUT_COUNT; i++)
        print_output(i);
    return rc;
}
