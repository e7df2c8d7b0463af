/** A user as the API shows it. */
export interface UserView {
  readonly id: string;
  /** Null once the user was forgotten (at every version). */
  readonly email: string | null;
  readonly name: string | null;
  readonly forgotten: boolean;
  readonly version: number;
}
