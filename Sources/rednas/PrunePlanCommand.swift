import ActivationFiles
import ArgumentParser
import Foundation
import Persistence

/// `rednas prune-plan`: which blocks of any model to keep, from its activation files (spec §5).
struct PrunePlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune-plan",
        abstract: "Similarity-guided layer pruning plan (RedTest) from activation files: which blocks to keep.",
        usage: "rednas prune-plan --activations <file> ... (--keep K | --ratio R)\n  [--pooling gap|flatten] [--kind unbiased|biased] [--threads <n>]\n  [--json]",
        discussion: """
            The first tap is the stem; tap k+1 is the output of block k. Block k's score is the \
            mean adjacent CKA between taps k and k+1; the K blocks with the lowest score (those \
            that change the representation most) are kept, the others can be removed (stem and \
            classifier stay). Apply the plan in your framework, then fine-tune. Example:

              rednas prune-plan --activations acts/batch-*.safetensors --keep 13 --json
            """)

    @OptionGroup var external: ActivationOptions

    @Option(help: "Number of blocks to keep.")
    var keep: Int?

    @Option(help: "Fraction of blocks to keep, in (0, 1] (rounded to nearest, at least 1).")
    var ratio: Double?

    @OptionGroup var threads: ThreadsOption

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        guard !external.activations.isEmpty else { throw ValidationError("give --activations FILE…") }
        guard (keep == nil) != (ratio == nil) else { throw ValidationError("give exactly one of --keep K or --ratio R") }
    }

    func run() throws {
        let m = try external.measure(threads: threads)
        guard m.result.adjacent != nil else {
            throw ValidationError("MSRS is undefined (\(ActivationReport.undefinedReason(m.result))): no similarities to plan from")
        }
        let plan = try ActivationPrunePlan(m, keep: keep, ratio: ratio)
        if json {
            var object = try JSONStyle.object(plan)
            object["keep"] = plan.kept.count
            object["measurement"] = try ActivationReport.resultObject(m, files: external.activations)
            return try ActivationReport.printJSON(object)
        }
        print("\(plan.blocks.count) blocks after stem '\(plan.stem)': keep \(plan.kept.count), remove \(plan.removed.count) "
              + "(\(m.result.batchesUsed) batches, \(m.samples) samples)")
        for b in plan.blocks {
            print(String(format: "%4d  %@  %-24@ s = %.6f", b.index, (b.keep ? "keep  " : "remove") as NSString, b.label as NSString, b.similarity))
        }
        print("kept: \(plan.kept.map(String.init).joined(separator: ","))")
    }
}
