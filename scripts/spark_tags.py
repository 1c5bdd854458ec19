"""Tags a partitioned JSONL corpus with orgcheck on Apache Spark, and counts the tags per policy.

Each partition is piped through one `orgcheck extract --input-format jsonl --format jsonl` process on
its executor (`mapPartitions`), so orgcheck's output lines come back unchanged; the binary is shipped to
the executors with `SparkContext.addFile` and found there with `SparkFiles.get`. See docs/scale.md.

    python3 scripts/spark_tags.py --bin target/release/orgcheck --input DIR_OR_FILE --output OUT \
        [--master local[2]] [--partitions N]

Writes OUT/tagged (orgcheck's JSONL lines, one per record) and OUT/counts (one JSON line per policy:
{"policy", "records", "tags": {"third-party-sharing:negative": 3, ...}}). The policy is the record id
up to its first `#` (OPP-115 ids are "POLICY#SEGMENT"), or the whole id.
"""

import argparse
import json
import os
import stat
import subprocess
import threading

from pyspark import SparkFiles
from pyspark.sql import SparkSession


def tag_partition(lines):
    """Runs orgcheck over one partition's lines and yields its output lines."""
    exe = SparkFiles.get("orgcheck")
    mode = os.stat(exe).st_mode
    if not mode & stat.S_IXUSR:
        os.chmod(exe, mode | stat.S_IXUSR)
    proc = subprocess.Popen(
        [exe, "extract", "--input-format", "jsonl", "--format", "jsonl", "--threads", "1", "-q", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )

    # Feed stdin from another thread, so that a full stdout pipe can never deadlock the two.
    def feed():
        try:
            for line in lines:
                proc.stdin.write(line.encode("utf-8") + b"\n")
        finally:
            proc.stdin.close()

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    for out in proc.stdout:
        yield out.decode("utf-8").rstrip("\n")
    feeder.join()
    err = proc.stderr.read().decode("utf-8", "replace")
    # 2 means some records were malformed: each is an {"line", "error"} record in the output already.
    if proc.wait() not in (0, 2):
        raise RuntimeError(f"orgcheck failed with status {proc.returncode}: {err}")


def policy_of(record_id):
    text = record_id if isinstance(record_id, str) else json.dumps(record_id)
    return text.split("#", 1)[0]


def counts(line):
    record = json.loads(line)
    if "findings" not in record:
        return []
    tags = {}
    for f in record["findings"]:
        key = f'{f["tag"]}:{f["polarity"]}'
        tags[key] = tags.get(key, 0) + 1
    return [(policy_of(record["id"]), (1, tags))]


def merge(a, b):
    tags = dict(a[1])
    for k, v in b[1].items():
        tags[k] = tags.get(k, 0) + v
    return (a[0] + b[0], tags)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", required=True, help="the orgcheck binary to ship to the executors")
    ap.add_argument("--input", required=True, help="a JSONL file or a directory of JSONL part files")
    ap.add_argument("--output", required=True, help="a directory that does not exist yet")
    ap.add_argument("--master", default=None, help="e.g. local[2]; default: as spark-submit sets it")
    ap.add_argument("--partitions", type=int, default=None)
    args = ap.parse_args()

    builder = SparkSession.builder.appName("orgcheck-tags")
    if args.master:
        builder = builder.master(args.master)
    spark = builder.getOrCreate()
    sc = spark.sparkContext
    sc.setLogLevel("ERROR")
    sc.addFile(os.path.abspath(args.bin))
    lines = sc.textFile(args.input, minPartitions=args.partitions) if args.partitions else sc.textFile(args.input)
    tagged = lines.filter(lambda l: l.strip()).mapPartitions(tag_partition).cache()
    tagged.saveAsTextFile(os.path.join(args.output, "tagged"))
    (
        tagged.flatMap(counts)
        .reduceByKey(merge)
        .map(lambda kv: json.dumps({"policy": kv[0], "records": kv[1][0], "tags": kv[1][1]}, sort_keys=True))
        .saveAsTextFile(os.path.join(args.output, "counts"))
    )
    print(f"spark_tags: {lines.getNumPartitions()} partitions, {tagged.count()} records tagged")
    spark.stop()


if __name__ == "__main__":
    main()
