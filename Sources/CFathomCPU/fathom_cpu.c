#include "fathom_cpu.h"

#if defined(__x86_64__)
#include <cpuid.h>

/// XCR0, the register in which the OS says which register states it saves on a context switch.
static unsigned long long read_xcr0(void) {
    unsigned int eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((unsigned long long)edx << 32) | eax;
}

int fathom_cpu_has_avx512(void) {
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    if (!(ecx & bit_OSXSAVE)) return 0;
    /* SSE, AVX, opmask, ZMM_Hi256 and Hi16_ZMM state: bits 1, 2, 5, 6, 7. */
    if ((read_xcr0() & 0xE6) != 0xE6) return 0;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return 0;
    const unsigned int needed = bit_AVX512F | bit_AVX512DQ | bit_AVX512BW | bit_AVX512VL;
    return (ebx & needed) == needed;
}
#else
int fathom_cpu_has_avx512(void) { return 0; }
#endif
