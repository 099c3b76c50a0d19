#ifndef CKERNELS_H
#define CKERNELS_H

/// Registers of the CPUID instruction for `leaf`/`subleaf` in regs[0..3] = eax, ebx, ecx, edx.
/// Returns 0 (and zeros) when the leaf is above the CPU's maximum or the machine is not x86.
int rednas_cpuid(unsigned leaf, unsigned subleaf, unsigned regs[4]);

/// XCR0 (the register states the operating system saves), or 0 without OSXSAVE or off x86.
unsigned long long rednas_xcr0(void);

/// 1 when a symbol named `name` is visible in the process (dlsym on the default scope).
int rednas_symbol_exists(const char *name);

#endif

/// Instruction sets of the vector kernels (`rednas_direct3x3_image`'s `isa`).
enum { REDNAS_ISA_PORTABLE = 0, REDNAS_ISA_AVX2 = 1, REDNAS_ISA_AVX512 = 2 };

/// One image of a direct 3×3 same convolution (stride 1, padding 1), as Swift's
/// `Direct3x3Kernels.convolveImage` computes it, with the `isa` variant's vectors (the caller
/// checks that the CPU runs it):
/// out[o][y][x] (=, or += when `accumulate`; zero where mask ≤ 0 when `mask`) =
///   Σ_{i, ky, kx} w[(i·9 + ky·3 + kx)·wPitch + o] · src[i·planeSize + (y + ky)·pitch + x + kx],
/// `src` holding `channels` zero-bordered planes of (height + 2) rows of `pitch` ≥ width rounded
/// up to 16, + 2 floats; `w` packed [channels][9][wPitch = outChannels rounded up to 4];
/// `out` and `mask` point at this image's [outChannels][height][width] block.
/// Products are added tap by tap in (i, ky, kx) order with fused multiply-adds (avx2, avx512) or
/// separate multiply and add (portable).
void rednas_direct3x3_image(int isa, const float *src, long height, long width, long pitch, long planeSize,
                            long channels, const float *w, long outChannels, const float *mask, int accumulate,
                            float *out);

/// 1 when the CPU and the OS run AVX2 and FMA code (CPUID + XCR0); this file is compiled for
/// baseline x86-64, so the check itself runs anywhere.
int rednas_cpu_runs_avx2_fma(void);
