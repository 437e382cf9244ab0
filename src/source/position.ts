// Where a node of a user's YAML file starts: errors and events point there.

/** Where a node of a YAML file starts. */
export interface SourcePos {
  file: string;
  line: number;
  col: number;
}
