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

// Vector kernels (vectors.c, written once in vector_kernels.h for 4, 8 and 16 floats), each
// computing what the Swift kernel it names computes; `isa` a REDNAS_ISA_* the CPU runs.

/// `SmallProducts.multiply`: C [rows, cols] = A [rows, inner] · B [inner, cols]; `cols` a
/// multiple of 8. Sums in order over the inner index.
void rednas_small_multiply(int isa, long rows, long cols, long inner, const float *a, long lda, const float *b,
                           long ldb, float *c, long ldc);

/// `SmallProducts.accumulateTransposed`: C [rows, cols] += A [rows, inner] · B [cols, inner]ᵀ,
/// each dot product summed per lane over whole vectors, across lanes, then over the rest in order.
void rednas_small_accumulate_transposed(int isa, long rows, long cols, long inner, const float *a, long lda,
                                        const float *b, long ldb, float *c, long ldc);

/// `Winograd4x4Kernels.inputTiles` for `count` (a multiple of 8) tiles: Bᵀ d B of the tiles whose
/// patch position p starts at `patches + p·run`, ξ plane k to `out + k·stride`.
void rednas_winograd4_inputs(int isa, long count, const float *patches, long run, float *out, long stride);

/// `Winograd4x4Kernels.outputTiles` for `count` (a multiple of 8) tiles: Aᵀ m A of the tiles whose
/// ξ planes lie `stride` apart from `m`, output pixel (r, col) to `out + (4r + col)·run`.
void rednas_winograd4_outputs(int isa, long count, const float *m, long stride, float *out, long run);

/// `Winograd4x4Kernels.gradientTiles` for `count` (a multiple of 8) tiles: A e Aᵀ of the tiles whose
/// pixel (r, col) starts at `grads + r·rowPitch + col·run`, ξ plane k to `out + k·stride`.
void rednas_winograd4_gradients(int isa, long count, const float *grads, long run, long rowPitch, float *out,
                                long stride);

/// `FusedBatchNormKernels.shiftedSums` of one plane: sums[0] = Σ(p − shift), sums[1] = Σ(p − shift)²
/// (per lane in float over whole vectors, then across lanes, then the rest in double).
void rednas_bn_shifted_sums(int isa, const float *p, long count, float shift, double sums[2]);

/// One plane of `FusedBatchNormKernels.gradientSums`: sums[0] = Σdy, sums[1] = Σdy·(z − mu), summed
/// as `rednas_bn_shifted_sums`.
void rednas_bn_gradient_sums(int isa, const float *dy, const float *z, long count, float mu, double sums[2]);

/// One plane of `FusedBatchNormKernels.addNormalized`: y = a·z + b (`overwrite`), else y += a·z + b.
void rednas_bn_affine_plane(int isa, const float *z, long count, float a, float b, int overwrite, float *y);
