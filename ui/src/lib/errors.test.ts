import { describe, expect, it } from 'vitest';
import { ApiError } from './api';
import { fieldError, formError } from './errors';

describe('fieldError', () => {
  it('gives the message for the field an invalid or conflict error names', () => {
    const invalid = new ApiError('invalid', 'The title is required.', { field: 'title' });
    expect(fieldError(invalid, 'title')).toBe('The title is required.');
    expect(fieldError(invalid, 'reference')).toBeNull();
    const conflict = new ApiError('conflict', 'Taken by Jane.', { field: 'email' });
    expect(fieldError(conflict, 'email')).toBe('Taken by Jane.');
  });

  it('ignores errors that are not about a field', () => {
    expect(fieldError(new ApiError('database', 'locked', { field: 'title' }), 'title')).toBeNull();
    expect(fieldError(null, 'title')).toBeNull();
    expect(fieldError(new Error('x'), 'title')).toBeNull();
  });
});

describe('formError', () => {
  const fields = ['title', 'reference'];

  it('is empty when the error is shown next to one of the form’s fields', () => {
    expect(formError(new ApiError('invalid', 'Required.', { field: 'title' }), fields)).toBeNull();
    expect(formError(null, fields)).toBeNull();
  });

  it('shows errors about other fields or no field at the top of the form', () => {
    expect(formError(new ApiError('invalid', 'Bad line.', { field: 'line' }), fields)).toBe('Bad line.');
    expect(formError(new ApiError('database', 'Disk full.'), fields)).toBe('Disk full.');
    expect(formError(new Error('boom'), fields)).toBe('boom');
  });
});
