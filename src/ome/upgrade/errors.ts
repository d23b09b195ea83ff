/** The error `upgrade` throws when the target version cannot express the metadata. */
import { UnsupportedError } from "../../errors.js";

/** Thrown when metadata cannot be expressed in the target format; the message names the field and why. */
export class NotRepresentableError extends UnsupportedError {}
