import ConfigKit

// A small schema in the shape of the real experiment config, so ConfigKit is tested without RedNASCore.

enum Pooling: String, Codable, CaseIterable, ConfigEnumeration { case gap, flatten }

struct Budget: Codable, Equatable, ConfigValidatable {
    var evaluations: Int? = 100
    var seconds: Double? = nil

    init() {}
    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        evaluations = try c.decodeIfPresent(Int.self, forKey: .evaluations)
        seconds = try c.decodeIfPresent(Double.self, forKey: .seconds)
    }

    func validate() throws {
        try require(evaluations != nil || seconds != nil, nil, "give evaluations, seconds or both")
        try require((evaluations ?? 1) >= 1, "evaluations", "must be at least 1, found \(evaluations ?? 0)")
    }
}

struct Search: Codable, Equatable, ConfigValidatable {
    var population = 10
    var sampleSize = 3
    var budget = Budget()
    var cache = true
    var pooling = Pooling.gap
    var rate = 0.1
    var stages: [Int]? = nil

    enum CodingKeys: String, CodingKey {
        case population, sampleSize = "sample_size", budget, cache, pooling, rate, stages
    }

    init() {}
    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self), d = Self()
        population = try c.decode(.population, default: d.population)
        sampleSize = try c.decode(.sampleSize, default: d.sampleSize)
        budget = try c.decode(.budget, default: d.budget)
        cache = try c.decode(.cache, default: d.cache)
        pooling = try c.decode(.pooling, default: d.pooling)
        rate = try c.decode(.rate, default: d.rate)
        stages = try c.decodeIfPresent([Int].self, forKey: .stages)
    }

    func validate() throws {
        try require(population >= 1, "population", "must be at least 1, found \(population)")
        try require((1...population).contains(sampleSize), "sample_size",
                    "must be between 1 and population (\(population)), found \(sampleSize)")
        try require(stages.map { $0.count == 3 } ?? true, "stages", "must list 3 values")
    }
}

struct Experiment: Codable, Equatable {
    var name = "default"
    var seed = 0
    var search = Search()

    init() {}
    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self), d = Self()
        name = try c.decode(.name, default: d.name)
        seed = try c.decode(.seed, default: d.seed)
        search = try c.decode(.search, default: d.search)
    }
}
