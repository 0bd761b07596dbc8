#ifndef FATHOM_CPU_H
#define FATHOM_CPU_H

/// 1 when this processor and its operating system support the AVX-512 subset Fathom's wide kernels use
/// (AVX512F, DQ, BW and VL: x86-64-v4, with the OS saving the ZMM and mask registers), else 0.
int fathom_cpu_has_avx512(void);

#endif
