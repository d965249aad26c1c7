/* Runs a sketch on the host: setup() once, then loop() LOOPS times. */
#include "Arduino.h"

#ifndef LOOPS
#define LOOPS 3
#endif

unsigned long stub_millis;
int stub_led_writes;
StubSerial Serial;

void setup();
void loop();

int main()
{
    setup();
    for (int i = 0; i < LOOPS; i++) loop();
    printf("stub: loops %d, led writes %d\n", LOOPS, stub_led_writes);
    return 0;
}
