import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

SHARED_MODELS = os.path.join(os.path.dirname(ROOT), "shared", "models")
TEST_MODELS = os.path.join(ROOT, "tests", "models")
