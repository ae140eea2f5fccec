/// PostgreSQL's lexical rules for plan: splitting SQL into statements as the server reads them
/// and classifying which statements may run inside a transaction block.
public enum SQLModule {}
