import Foundation
import Testing
@testable import FathomKernels

@Suite struct LayerOpsTests {
    /// The direct convolution's run copy, at every length up to 17 (overlapping vectors from 4 and from 8), copying and
    /// adding, touching nothing past the run.
    @Test func shortCopiesWriteExactlyTheirRun() {
        var random = TestRandom(seed: 41)
        let source = random.array(17), existing = random.array(20)
        for count in 0...17 {
            for adding in [false, true] {
                var destination = existing
                source.withUnsafeBufferPointer { s in
                    destination.withUnsafeMutableBufferPointer { VectorMath.copyShort(s.baseAddress!, to: $0.baseAddress! + 1, count: count, adding: adding) }
                }
                let expected = existing.indices.map { i in
                    (1..<count + 1).contains(i) ? source[i - 1] + (adding ? existing[i] : 0) : existing[i]
                }
                #expect(destination == expected, "count \(count) adding \(adding)")
            }
        }
    }

    @Test func linearMatchesReferenceAndFiniteDifferences() {
        let (batch, inFeatures, outFeatures) = (3, 5, 4)
        var random = TestRandom(seed: 31)
        let x = random.array(batch * inFeatures), w = random.array(outFeatures * inFeatures)
        let b = random.array(outFeatures), g = random.array(batch * outFeatures)
        func reference(_ x: [Double], _ w: [Double], _ b: [Double]) -> [Double] {
            (0..<batch * outFeatures).map { index in
                let (row, feature) = index.quotientAndRemainder(dividingBy: outFeatures)
                return b[feature] + (0..<inFeatures).reduce(0) { $0 + x[row * inFeatures + $1] * w[feature * inFeatures + $1] }
            }
        }
        func loss(_ x: [Double], _ w: [Double], _ b: [Double]) -> Double {
            zip(reference(x, w, b), g).reduce(0) { $0 + $1.0 * Double($1.1) }
        }
        let (xd, wd, bd) = (x.map(Double.init), w.map(Double.init), b.map(Double.init))

        var y = [Float](repeating: .nan, count: batch * outFeatures)
        Linear.forward(batch: batch, inFeatures: inFeatures, outFeatures: outFeatures, input: x, weights: w, bias: b, output: &y)
        #expect(maxRelativeError(y, reference(xd, wd, bd).map(Float.init)) < 1e-5)

        var dx = [Float](repeating: .nan, count: x.count), dw = [Float](repeating: .nan, count: w.count)
        var db = [Float](repeating: .nan, count: b.count)
        Linear.backwardInput(batch: batch, inFeatures: inFeatures, outFeatures: outFeatures, outputGradient: g, weights: w, inputGradient: &dx)
        Linear.backwardWeights(
            batch: batch, inFeatures: inFeatures, outFeatures: outFeatures, input: x, outputGradient: g,
            weightGradient: &dw, biasGradient: &db)
        #expect(maxRelativeError(dx, finiteDifferences(xd) { loss($0, wd, bd) }.map(Float.init)) < 1e-4)
        #expect(maxRelativeError(dw, finiteDifferences(wd) { loss(xd, $0, bd) }.map(Float.init)) < 1e-4)
        #expect(maxRelativeError(db, finiteDifferences(bd) { loss(xd, wd, $0) }.map(Float.init)) < 1e-4)
    }

    @Test func addSumsElementwise() {
        let a = (0..<19).map(Float.init), b = (0..<19).map { Float($0) * 10 }
        var c = [Float](repeating: .nan, count: 19)
        Elementwise.add(a, b, into: &c, count: 19)
        #expect(c == (0..<19).map { Float($0) * 11 })
    }

    @Test func channelShuffleTransposesGroupsAndBackwardInvertsIt() {
        let shape = FeatureMapShape(batch: 2, channels: 6, height: 1, width: 2)
        let x = (0..<shape.count).map(Float.init)
        var y = [Float](repeating: .nan, count: shape.count)
        ChannelShuffle.forward(shape, groups: 2, input: x, output: &y)
        // Channels 0 1 2 | 3 4 5 become 0 3 1 4 2 5.
        let order = [0, 3, 1, 4, 2, 5]
        let expected = (0..<2).flatMap { image in order.flatMap { c in [0, 1].map { Float((image * 6 + c) * 2 + $0) } } }
        #expect(y == expected)
        var back = [Float](repeating: .nan, count: shape.count)
        ChannelShuffle.backward(shape, groups: 2, outputGradient: y, inputGradient: &back)
        #expect(back == x)
    }

    @Test func softmaxCrossEntropyMatchesReferenceAndFiniteDifferences() {
        let (batch, classes) = (3, 5)
        var random = TestRandom(seed: 41)
        let logits = random.array(batch * classes).map { 4 * $0 }
        let labels = [2, 0, 4]
        func reference(_ z: [Double]) -> Double {
            var total = 0.0
            for row in 0..<batch {
                let values = z[row * classes..<(row + 1) * classes]
                let logSum: Double = log(values.reduce(0.0) { $0 + exp($1) })
                total += logSum - z[row * classes + labels[row]]
            }
            return total / Double(batch)
        }
        var gradient = [Float](repeating: .nan, count: logits.count)
        let loss = SoftmaxCrossEntropy.loss(logits: logits, labels: labels, batch: batch, classes: classes, gradient: &gradient)
        let logitsD = logits.map(Double.init)
        #expect(abs(Double(loss) - reference(logitsD)) < 1e-5)
        #expect(maxRelativeError(gradient, finiteDifferences(logitsD, step: 1e-5, reference).map(Float.init)) < 1e-4)

        var probabilities = [Float](repeating: .nan, count: logits.count)
        SoftmaxCrossEntropy.softmax(logits: logits, probabilities: &probabilities, batch: batch, classes: classes)
        for row in 0..<batch {
            #expect(abs(probabilities[row * classes..<(row + 1) * classes].reduce(0, +) - 1) < 1e-6)
        }
    }
}
