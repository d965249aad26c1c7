/*
 * HelloWorld: a neural network that learned sin(x), running as plain C (platformio-tinyml).
 *
 * After reset it prints a sweep on Serial (115200 baud): x, the model's y, sin(x) and the largest
 * error. Then the model's sine drives the brightness of the built-in LED, one period every 2 s.
 *
 * hello_world_int8.h / .c hold the model, converted from hello_world_int8.tflite ahead of time
 * (the Arduino IDE has no build hook); to use your own model:
 *     tinyml convert my_model.tflite --arduino -o MySketch
 * With PlatformIO, put the .tflite in models/ instead: it is converted at every build.
 */
#include <tinyml.h>

#include "hello_world.h"
#include "hello_world_int8.h"

static const float kTwoPi = 6.28318531f;
static const unsigned long kPeriodMs = 2000;

static void print_serial(const char *line)
{
    Serial.print(line);
}

void setup()
{
    Serial.begin(115200);
    while (!Serial && millis() < 3000) {
    }
    hello_world_sweep(print_serial);
#ifdef LED_BUILTIN
    pinMode(LED_BUILTIN, OUTPUT);
#endif
}

void loop()
{
    const tml_tensor_info *in = &hello_world_int8_model.inputs[0];
    const tml_tensor_info *out = &hello_world_int8_model.outputs[0];
    float x = (float)(millis() % kPeriodMs) * (kTwoPi / (float)kPeriodMs);

    hello_world_int8_input0()[0] = (int8_t)tml_quantize(in, x);
    if (hello_world_int8_invoke() != 0) {
        Serial.println("error: hello_world_int8_invoke() failed");
        delay(1000);
        return;
    }
    float y = tml_dequantize(out, hello_world_int8_output0()[0]);
    int brightness = (int)((y + 1.0f) * 127.5f);
    if (brightness < 0) brightness = 0;
    if (brightness > 255) brightness = 255;
#ifdef LED_BUILTIN
    analogWrite(LED_BUILTIN, brightness);
#endif
    delay(10);
}
