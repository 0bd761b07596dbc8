"""Rank metrics for the figure scripts, as FathomPredict's RankMetrics computes them (average ranks for ties)."""
import statistics


def ranks(values):
    """1-based ranks, tied values sharing their average rank (as scipy.stats.rankdata)."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    result = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            result[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return result


def pearson(x, y):
    mx, my = statistics.fmean(x), statistics.fmean(y)
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y))
    return sxy / (sum((a - mx) ** 2 for a in x) * sum((b - my) ** 2 for b in y)) ** 0.5


def spearman(x, y):
    return pearson(ranks(x), ranks(y))


def kendall(x, y):
    """Kendall's tau-a (no tie correction): concordant minus discordant pairs over all pairs."""
    concordant = discordant = 0
    for i in range(len(x)):
        for j in range(i + 1, len(x)):
            s = (x[i] - x[j]) * (y[i] - y[j])
            concordant += s > 0
            discordant += s < 0
    return (concordant - discordant) / (len(x) * (len(x) - 1) / 2)
