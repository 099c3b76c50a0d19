#define _GNU_SOURCE
#include "CKernels.h"
#include <dlfcn.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

int rednas_cpuid(unsigned leaf, unsigned subleaf, unsigned regs[4]) {
    unsigned maximum = __get_cpuid_max(leaf & 0x80000000u, 0);
    if (maximum == 0 || leaf > maximum) { regs[0] = regs[1] = regs[2] = regs[3] = 0; return 0; }
    __cpuid_count(leaf, subleaf, regs[0], regs[1], regs[2], regs[3]);
    return 1;
}

unsigned long long rednas_xcr0(void) {
    unsigned regs[4];
    // CPUID.1:ECX bit 27 (OSXSAVE): XGETBV is usable.
    if (!rednas_cpuid(1, 0, regs) || !(regs[2] & (1u << 27))) return 0;
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((unsigned long long)hi << 32) | lo;
}
#else
int rednas_cpuid(unsigned leaf, unsigned subleaf, unsigned regs[4]) {
    (void)leaf; (void)subleaf; regs[0] = regs[1] = regs[2] = regs[3] = 0; return 0;
}
unsigned long long rednas_xcr0(void) { return 0; }
#endif

int rednas_cpu_runs_avx2_fma(void) {
    unsigned leaf1[4], leaf7[4];
    if (!rednas_cpuid(1, 0, leaf1) || !rednas_cpuid(7, 0, leaf7)) return 0;
    int fma = (leaf1[2] >> 12) & 1, avx2 = (leaf7[1] >> 5) & 1;
    return fma && avx2 && (rednas_xcr0() & 0x6) == 0x6;
}

int rednas_symbol_exists(const char *name) { return dlsym(RTLD_DEFAULT, name) != 0; }
