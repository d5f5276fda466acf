package org.cardcase.infra.engine;

import io.camunda.zeebe.logstreams.storage.LogStorage;
import io.camunda.zeebe.logstreams.storage.LogStorageReader;
import io.camunda.zeebe.util.buffer.BufferWriter;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicLong;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The engine's log, in memory, safe for the gRPC threads that append to it while the stream
 * processor's actor reads it, and truncated once processed.
 *
 * <p>Why our own: the test engine's log is an unsynchronised {@code ArrayList} that a reader can see
 * half-grown (a {@code null} block, then a dead stream processor), and that is never truncated, so
 * memory grew with every record ever written. Here blocks live in a concurrent skip list keyed by
 * their lowest position; a reader remembers the next key it wants, so appends and truncation never
 * move it. Appends are already serialised by the log stream's sequencer; the lock here only keeps
 * the index and the map in step.
 */
public final class ConcurrentLogStorage implements LogStorage {
  private record Block(long lowest, long highest, ByteBuffer data) {}

  private final ConcurrentSkipListMap<Long, Block> blocks = new ConcurrentSkipListMap<>();
  private final Set<CommitListener> commitListeners = new CopyOnWriteArraySet<>();
  private final AtomicLong index = new AtomicLong();
  private final AtomicLong retainedBytes = new AtomicLong();
  private final Object appendLock = new Object();
  /** Set by fault injection: the next read fails, as the test engine's reader did. */
  private volatile String injectedFault;

  @Override
  public LogStorageReader newReader() {
    return new Reader();
  }

  @Override
  public void append(long lowestPosition, long highestPosition, BufferWriter writer, AppendListener listener) {
    ByteBuffer buffer = ByteBuffer.allocate(writer.getLength());
    writer.write(new UnsafeBuffer(buffer), 0);
    append(lowestPosition, highestPosition, buffer, listener);
  }

  @Override
  public void append(long lowestPosition, long highestPosition, ByteBuffer block, AppendListener listener) {
    long i;
    synchronized (appendLock) {
      i = index.incrementAndGet();
      blocks.put(lowestPosition, new Block(lowestPosition, highestPosition, block));
      retainedBytes.addAndGet(block.capacity());
    }
    // in memory, written is committed
    listener.onWrite(i, highestPosition);
    listener.onCommit(i, highestPosition);
    commitListeners.forEach(CommitListener::onCommit);
  }

  @Override
  public void addCommitListener(CommitListener listener) {
    commitListeners.add(listener);
  }

  @Override
  public void removeCommitListener(CommitListener listener) {
    commitListeners.remove(listener);
  }

  /**
   * Drops every block whose records all lie below {@code position} (the stream processor's last
   * processed position: nothing reads those again). Returns the number of blocks dropped.
   */
  public int truncateBelow(long position) {
    int dropped = 0;
    for (Map.Entry<Long, Block> e : blocks.headMap(position).entrySet()) {
      if (e.getValue().highest() < position && blocks.remove(e.getKey(), e.getValue())) {
        retainedBytes.addAndGet(-e.getValue().data().capacity());
        dropped++;
      }
    }
    return dropped;
  }

  public int retainedBlocks() {
    return blocks.size();
  }

  public long retainedBytes() {
    return retainedBytes.get();
  }

  /** Makes the next read fail with this message: reproduces the crash the test engine had, for fault tests. */
  public void failNextRead(String message) {
    injectedFault = message;
  }

  private final class Reader implements LogStorageReader {
    /** The lowest position of the next block to return (the first block at or after it). */
    private long next = Long.MIN_VALUE;

    @Override
    public void seek(long position) {
      if (position < 0) {
        next = Long.MIN_VALUE;
        return;
      }
      // the block holding the position, or the last one before it; the first block if all are after
      Long floor = blocks.floorKey(position);
      next = floor == null ? Long.MIN_VALUE : floor;
    }

    @Override
    public boolean hasNext() {
      return blocks.ceilingKey(next) != null;
    }

    @Override
    public DirectBuffer next() {
      String fault = injectedFault;
      if (fault != null) {
        injectedFault = null;
        throw new IllegalStateException(fault);
      }
      Map.Entry<Long, Block> e = blocks.ceilingEntry(next);
      if (e == null) {
        throw new NoSuchElementException();
      }
      next = e.getKey() + 1;
      return new UnsafeBuffer(e.getValue().data());
    }

    @Override
    public void close() {
      // nothing held
    }
  }
}
