/* Arduino boards: the same sweep, printed on Serial once after reset. */
#ifdef ARDUINO
#include <Arduino.h>

#include "hello_world.h"

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
}

void loop()
{
    delay(1000);
}
#endif
