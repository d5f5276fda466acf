package org.cardcase.privacy;

/**
 * A table whose personal data is sealed, as its owner declares it (the owner's package alone
 * writes its table): where the sealed values are, how a record is named in their context, and how
 * the owner encrypts the rows written before V56. {@link RecordEncryption} counts, rewraps and
 * checks every declared column; the owners are found as beans (like the retention's tables).
 */
public interface SealedTable {
  /** The owner's table. */
  String table();

  /** The sealed column. */
  String column();

  /** SQL of a unique, orderable key of a row (batches walk the table by it). */
  String key();

  /** SQL of the record's identity in its sealed values' context ({@code <table>/<identity>}). */
  String identity();

  /** Rows written before V56 still plain. */
  long plainRows();

  /** Encrypts at most {@code batch} plain rows and empties their plain columns (in the caller's transaction); how many. */
  int encryptPlainRows(int batch);
}
