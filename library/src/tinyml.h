/*
 * platformio-tinyml kernel library: the one public header.
 *
 * Generated model headers include this file. It brings in the common types
 * (tml_model, tml_tensor_info), the fixed-point helpers and every kernel.
 */
#ifndef TINYML_H
#define TINYML_H

#include "tinyml/tml_common.h"
#include "tinyml/tml_ops.h"

#endif /* TINYML_H */
