/* A host stand-in for the Arduino core, just enough to compile and run the library's example
 * sketches on a PC in tests: Serial writes to stdout, time is simulated (delay() advances millis()). */
#ifndef TINYML_TEST_ARDUINO_H
#define TINYML_TEST_ARDUINO_H

#include <stdint.h>
#include <stdio.h>

#define OUTPUT 1
#define LED_BUILTIN 13

extern unsigned long stub_millis;
extern int stub_led_writes;

inline unsigned long millis() { return stub_millis; }
inline void delay(unsigned long ms) { stub_millis += ms; }
inline void pinMode(int, int) {}
inline void analogWrite(int pin, int value)
{
    if (pin == LED_BUILTIN && value >= 0 && value <= 255) stub_led_writes++;
}

class StubSerial {
public:
    void begin(unsigned long) { ready_ = true; }
    explicit operator bool() const { return ready_; }
    void print(const char *s) { fputs(s, stdout); }
    void println(const char *s) { puts(s); }
private:
    bool ready_ = false;
};

extern StubSerial Serial;

#endif
