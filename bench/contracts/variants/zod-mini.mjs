// zod 4's tree-shakable API.
import * as z from 'zod/mini';
import { zodVariant } from './zod-schemas.mjs';

export const { schemas, validate } = zodVariant(z);
