/** A user as the API shows it. */
export interface UserView {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly version: number;
}
