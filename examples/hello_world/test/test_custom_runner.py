"""PlatformIO custom test runner for the emulator: the firmware prints one line per test case,

    <name>:PASS   or   <name>:FAIL:<message>

and exits with the number of failures (QEMU turns the semihosting exit code into its own)."""
from platformio.public import TestCase, TestRunnerBase, TestStatus


class CustomTestRunner(TestRunnerBase):
    def on_testing_line_output(self, line):
        print(line, end="")
        parts = line.strip().split(":", 2)
        if len(parts) >= 2 and parts[1] in ("PASS", "FAIL"):
            status = TestStatus.PASSED if parts[1] == "PASS" else TestStatus.FAILED
            self.test_suite.add_case(TestCase(name=parts[0], status=status,
                                              message=parts[2] if len(parts) > 2 else None, stdout=line))
        if line.startswith("tests done"):
            self.test_suite.on_finish()
